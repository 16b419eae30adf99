"""Pictures of the graph for people: the evidence matrix (more views will join it here)."""
