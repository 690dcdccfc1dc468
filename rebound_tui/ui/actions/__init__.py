"""What the dashboard's keys do, where more than one owner needs it.

Each pane owns its keys and actions (ui/panes/); what the Bullpen and the Network share is in
records.py (functions taking the app as a `Dashboard`), the import commands are held by the
app (importing.py, mail_import.py, both asking only for an `ImportHost`), and words.py holds
the short texts they show. No module here imports the app.
"""
