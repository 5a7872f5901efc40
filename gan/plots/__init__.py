"""Figures: pure builders, data in, a plotly figure or a picture out (no Streamlit, no training).

- principles.py  the Principles page: generator-loss saturation curves, the live 1D example
- training.py    the loss curves of every page (one builder, one colour scheme: Train page and
                 playground), equilibrium values of each loss, the class histogram
- toy.py         the playground's plotly figures: the plane, coverage over time, the point canvas
- verdict.py     the Generate page's verdict on one image: the classifier's probabilities, D(x, y) per label
- raster.py      pictures drawn on the server (the playground's live views): the plane, curve
                 panels, colour scales, ticks, dashed lines

Import the module you need (``from gan.plots import training``); nothing is re-exported here.
"""
