"""One presentation-neutral report per result (:mod:`.model`), its renderings (:mod:`.formats`,
:mod:`.texttable`, :mod:`.export`, :mod:`.github`) and a builder per command family."""
