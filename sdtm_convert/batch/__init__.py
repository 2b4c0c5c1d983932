"""Many studies at once (``sdtm-convert batch``): ``pool`` stacks several studies' ADaM packages into one
integrated package (:mod:`sdtm_convert.batch.pool`)."""
