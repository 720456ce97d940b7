"""CRM_SOURCE=crmventas: a CRM Ventas database read through mirrors of SPEC's relations."""
