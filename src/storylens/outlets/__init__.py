"""Outlet profiles, the user's own: read from a CSV or TOML file (``storylens outlets import``),
edited one field at a time (``storylens outlets set``). See docs/outlets.md."""

from storylens.outlets.profiles import (
    ProfileFile,
    import_profiles,
    read_profiles,
    remove_profile,
    set_profile,
    set_scale,
)

__all__ = [
    "ProfileFile",
    "import_profiles",
    "read_profiles",
    "remove_profile",
    "set_profile",
    "set_scale",
]
