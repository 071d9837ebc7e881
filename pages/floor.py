"""An empty page in the dashboard's frame (sidebar, title, footer) and nothing else: the floor
that scripts/bench_pages.py measures every page's drawing time against. Hidden from the
navigation; served at /floor."""

from safetynet.app import ui

view = ui.current_view()
ui.header(view, "floor")
ui.footer(view)
