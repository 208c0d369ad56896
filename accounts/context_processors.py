from .roles import ROLE_LABELS, user_roles


def roles(request):
    user = getattr(request, "user", None)
    names = user_roles(user) if user is not None else frozenset()
    return {
        "user_roles": names,
        "user_role_labels": [ROLE_LABELS[r] for r in sorted(names)],
    }
