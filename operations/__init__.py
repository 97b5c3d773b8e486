"""Operations: backups of the database that are proven to restore (`operations.backups`)."""
