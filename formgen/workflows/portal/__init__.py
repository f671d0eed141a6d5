"""The web portal: applicants fill the notices' forms in a browser, bureaus review them.

A workflow over many submitters, calling `formgen.api` and the stages below it: forms are
made from the registered models (`forms`), problems come from the rulebook (`formgen.check`),
documents and packets from `formgen.api` (`documents`). `app.create_app` builds the ASGI
application; `formgen serve` runs it.
"""
