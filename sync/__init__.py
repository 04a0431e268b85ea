"""The central API client, the offline journal, the replay worker and the offline cache.

Not built yet (issue 5).
"""
