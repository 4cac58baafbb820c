"""One router per area: sparql (the SPARQL 1.1 Protocol), rest (/api), ld (/id, Linked Data), pages (HTML)."""
