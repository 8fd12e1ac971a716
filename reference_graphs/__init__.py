"""The canonical reference architectures, shipped as package data (`*.mlsd`)."""
