"""(placeholder for the math_ops family; filled by the op-surface work)"""

__all__ = []
