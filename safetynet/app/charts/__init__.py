"""Charts built from query results with plotly (its bundled library, nothing fetched); pages only
place them. base.py holds what every chart shares; one module per page holds that page's charts.
"""
