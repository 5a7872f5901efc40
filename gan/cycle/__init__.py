"""CycleGAN trained in the session: unpaired translation between two domains (2D point clouds, MNIST strokes)."""
