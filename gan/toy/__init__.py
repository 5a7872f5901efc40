"""The playground's engine, apart from its figures (no Streamlit, no plotting).

- snapshots.py  numbers on one toy snapshot: JS and KL on a grid, mode coverage
- editing.py    your own points: the candidate grid, a selection, a table or CSV file into a point set
- runs.py       a run's data apart from its job: settings signature, runs at step 0, metric history
- presets.py    the "try this" presets: settings of runs A and B, and the number each claim is about
"""
