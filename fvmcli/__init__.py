"""fvmcli: go-live readiness for the FVM rollout of Cerner Millennium in Västra Götaland."""

__version__ = "0.1.0"
