"""(placeholder for the nn family; filled by the op-surface work)"""

__all__ = []
