"""The OWL ontology (cellkg.ttl) and SHACL shapes; installed as package data of ``kg.ontology``."""
