"""Quality metrics for generated digits and 2D toy points. Import from the module that holds what you need:

- ``core``: pure array/tensor -> number metrics: toy mode coverage and grid KL/JS, class histogram and
  its normalised entropy, feature statistics and the Frechet distance. Loads no model.
- ``classifier``: the bundled MNIST classifier (``checkpoints/mnist-classifier``): the fixed t10k split
  (TRAIN_SPLIT, HELD_OUT, mnist_split, write_train_split), training, loading, classify_images,
  classifier_features and the held-out reference statistics (real_reference).
- ``evaluate``: scoring generators: image_metrics, evaluate, evaluate_toy, toy_metrics, format_table, and
  finalize_bundled (record the scores and card in a bundled checkpoint).
- ``cards``: the model-card (README.md) text of the bundled generators and of the classifier.

Images (MNIST-like digits) are scored by the class histogram of generated images and its normalised
entropy (1.0 = every class equally often); for conditional generators, the classifier's accuracy on the
requested labels; and a Frechet distance between the classifier's 128-d features of generated and
held-out real images, printed beside the real-vs-real floor (two real samples of the same size).

``python -m gan eval`` (in gan/cli.py) prints ``evaluate``'s result.
"""
