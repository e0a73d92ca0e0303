"""igfkg: a curated knowledge graph of IGF/IGF-1R signaling claims.

Data flows one way: sources → nlp → extraction → assembly → rdf → store → query/export (see DESIGN in
the README). Importing ``kg`` has no side effects.
"""

__version__ = "0.1.0"
