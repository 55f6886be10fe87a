"""The hospital as the flow sees it: one interface, a REST client (and later FHIR)."""
