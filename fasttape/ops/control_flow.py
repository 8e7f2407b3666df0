"""(placeholder for the control_flow family; filled by the op-surface work)"""

__all__ = []
