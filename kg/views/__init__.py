"""Pictures and pages of the graph for people: the evidence matrix, safety grades, a report to
share, a node's neighbourhood, and the Neo4j Browser's style and guide. matplotlib is imported
only by the modules that draw."""
