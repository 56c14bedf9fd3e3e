"""Sub-commands of the ``airlock`` CLI, one module each, each exposing ``register(subparsers)``.

Modules import heavy libraries lazily (inside the handler), so ``airlock --help`` stays fast on a Pi.
"""
