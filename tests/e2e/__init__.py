"""End-to-end tests: a real `streamlit run app.py` server driven by Playwright and Debian's Chromium."""
