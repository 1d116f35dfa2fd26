"""bayesnet: a discrete Bayesian network for the differential diagnosis of low back pain.

>>> import bayesnet
>>> model = bayesnet.load_model()
>>> case = {"age": 67, "sex": "male", "bone_pain_elsewhere": True, "anemia": "present", "hypercalcemia": True,
...         "serum_m_protein": "present"}
>>> p = model.posterior(case)
>>> p.idxmax()
'plasmacytoma'
>>> p.attrs["assumed"]  # no complaint was named, so back pain is assumed and reported
{'low_back_pain': 'present'}
"""

from .errors import BayesnetError, EvidenceError, ImpossibleEvidenceError, PriorsError
from .knowledge import load_knowledge
from .model import BatchEvidenceError, Diagnosis, Model, load_model

__version__ = "0.1.0"

__all__ = [
    "load_model",
    "load_knowledge",
    "Model",
    "Diagnosis",
    "BayesnetError",
    "PriorsError",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "BatchEvidenceError",
    "__version__",
]
