<?php
namespace App;

class Extra { const VERSION = '@V@'; }
