"""Long work in the background: large exports and imports.

A page asks for a job (``zet.jobs.service``), which is a row in the ZET database (``job``: the
owner, what to do, how far it is, the outcome) and a message on a Huey queue. The queue is a
SQLite file in the instance folder (Huey's SqliteHuey), whichever database ZET itself uses, so
no extra server is needed. One worker process (``zet worker``, started by ``zet serve``) takes
the messages one at a time and does the work (``zet.jobs.work``); its progress lands in the row,
which the page polls. The row outlives a reload and a restart of the web server; a worker that
dies leaves a running row behind, which the next look at it (or the next worker) marks failed.
"""
