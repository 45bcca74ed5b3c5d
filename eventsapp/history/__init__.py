"""The History pages: what was done in an event (``/manage/events/<id>/history``) and by or
concerning an account (``/manage/accounts/<id>/history``), read from the action log
(``core.actions``) that every capability writes to. Above the capabilities: nothing imports it.
"""
