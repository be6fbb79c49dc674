"""Price data: the types (:mod:`.model`), the strict file schema (:mod:`.schema`, pydantic,
imported only to validate a file), the table and its loading (:mod:`.table`), the validated cache
(:mod:`.cache`), views with a date, a variant and adjustments (:mod:`.view`), and import, export,
diff and staleness (:mod:`.io`)."""
