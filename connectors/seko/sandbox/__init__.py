"""The SEKO iHub sandbox: the paths, shapes and refusals the hub uses, plus signed pushes."""
