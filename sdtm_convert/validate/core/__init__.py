"""CDISC's published conformance rules (the CORE rule language) run by our engine, offline and vectorised.

``rules.py`` reads the rules shipped as package data (``data/core/core-rules.json.gz`` and the unpublished
ADaMIG rules' ``data/core/adamig-rules.json.gz``, written by ``scripts/import_core_rules.py``); ``check.py`` compiles a rule's ``Check`` tree once into vectorised pandas
operations (``operators.py``), after its ``Operations`` (``operations.py``) and ``Match Datasets`` joins;
``scope.py`` says which datasets a rule applies to (``adam.py``: ADaM structures and subclasses); ``run.py`` runs the rules on a set of datasets. A rule
that uses something the interpreter does not know is *not run*, with the reason, never passed.
"""
