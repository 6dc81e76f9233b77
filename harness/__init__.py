"""The harness between the model zoo and the asv suite: backend adapter, metrics, BLAS check.

Importing it configures the process (threads, BLAS, JAX devices and caches) before any backend loads.
"""

from harness import environment

environment.configure()
