"""The playground's engine, apart from its figures (no Streamlit, no plotting).

- snapshots.py  numbers on one toy snapshot: JS and KL on a grid, mode coverage
- editing.py    drawing your own points: the candidate grid, a plotly selection applied to the point set
"""
