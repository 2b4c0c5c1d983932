"""Many studies at once: ``sdtm-convert batch run`` / ``batch validate`` on a Dask distributed cluster, and
``batch pool``, which stacks several studies' ADaM packages into one integrated package (:mod:`.pool`).

One task per study (:mod:`.tasks`), each calling the single command's own code (``cli/run.py`` /
``cli/validate.py`` ``execute``), so a study's outputs are those of a single ``run``/``validate``; the cluster
(:mod:`.cluster`: a local one sized to the machine, or ``--scheduler ADDRESS``) runs them side by side; the
portfolio (:mod:`.portfolio`, :mod:`.report`) lists every study, the findings by rule across studies and what
changed since the previous batch. Dask is an optional extra (``pip install sdtm-convert[distributed]``): only
:mod:`.cluster` imports it, when a batch starts; nothing here is imported by the single-study commands.
"""
