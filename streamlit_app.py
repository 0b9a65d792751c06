"""WSIS+20 dashboard: the app (`streamlit run streamlit_app.py`); see dashboard/app/shell.py."""

from dashboard.app.shell import main

main()
