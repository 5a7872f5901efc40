"""GAN Studio core: models, losses, data, training, checkpoints. Never imports Streamlit."""

__version__ = "0.1.0"
