"""Streamlit helpers shared by the pages: text lookup (i18n), the sidebar, error guarding."""
