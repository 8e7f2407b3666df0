"""(placeholder for the indexing family; filled by the op-surface work)"""

__all__ = []
