"""The services: the ECS cluster and every FirelensService (task, log router image, sizing, error lines)."""
