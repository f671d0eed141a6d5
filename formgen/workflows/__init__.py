"""Workflows over many submitters or over the whole registry, built on `formgen.api`.

`batch` makes one packet per submitter for bulk scripts; `intake` is a bureau's intake
(`formgen collect`, with `supplement`, its side spreadsheet, and `intake_example`, the demo's);
`merge` joins bureaus' summary tables into the province's; `rulebook` and `templates` write the
rulebook document and rebuild the committed templates. The web portal belongs here too. Workflows call the API and the stages below it, never the command line.
"""
