"""Workflows over many submitters or over the whole registry, built on `formgen.api`.

`batch` makes one packet per submitter for bulk scripts; `rulebook` and `templates` write the
rulebook document and rebuild the committed templates. Bureau intake and the web portal belong
here too. Workflows call the API and the stages below it, never the command line.
"""
