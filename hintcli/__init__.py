"""hintcli: the MHLW report 「ひきこもり状態にある方やその家族に対する支援のヒント集」 at the command line."""

__version__ = "0.1.0"
