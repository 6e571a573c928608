"""newsflow parser service."""
