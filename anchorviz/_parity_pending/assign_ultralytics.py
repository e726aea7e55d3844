"""placeholder"""
HANDLERS = {}
