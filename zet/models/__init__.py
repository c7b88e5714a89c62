"""The data model, split by area. Importing this package registers every table on Base.metadata."""
from zet.db import Base
from zet.models.gemeente import Gemeente, Onderzoek
from zet.models.casus import Casus
from zet.models.perspectief import Citaat, Perspectief, Score
from zet.models.user import ROLES, Herstelcode, User
from zet.models.audit import AuditEvent
from zet.models.verbeteractie import Verbeteractie, Voortgang
from zet.models.eindanalyse import Eindanalyse, EindanalyseElement
from zet.models.data_versie import DataVersie
from zet.models.job import Job
from zet.models.wijziging import Wijziging
from zet.models.beoordeling import TweedeBeoordeling, TweedeScore

__all__ = ["Base", "Gemeente", "Onderzoek", "Casus", "Perspectief", "Score", "Citaat", "ROLES", "User",
           "AuditEvent", "Verbeteractie", "Voortgang", "Eindanalyse", "EindanalyseElement", "DataVersie",
           "Job", "Wijziging", "TweedeBeoordeling", "TweedeScore"]
