"""Shipped model files (plain arrays + a JSON card each; built by ``python -m bench.train_hate``)."""
