"""(placeholder for the creation family; filled by the op-surface work)"""

__all__ = []
