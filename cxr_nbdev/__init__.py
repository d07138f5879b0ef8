import warnings
warnings.filterwarnings('ignore', message=r'.*torch\.jit\.script.* is deprecated')  # raised inside fastai's own import; nothing a user can act on
__version__ = "0.1.0"
