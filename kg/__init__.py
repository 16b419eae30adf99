"""cellkg: a knowledge graph of cell therapies in autoimmune disease.

Importing ``kg`` stays cheap: the CLI's lookup path must not pull in networkx, rdflib or neo4j.
"""

__version__ = "0.1.0"
