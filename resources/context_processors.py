from django.conf import settings


def directory(request):
    """Expose the deployment's name to every template."""
    return {"directory_name": settings.DIRECTORY_NAME}
