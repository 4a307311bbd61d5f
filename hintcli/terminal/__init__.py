"""The terminal door: Rich panels for people at a terminal.

`width` breaks Japanese lines, `console` owns the streams, `panels` renders the
views (`hintcli.views`). Only this package imports Rich.
"""
