"""The file formats: each module renders the views (`hintcli.views`) as one kind of document."""
